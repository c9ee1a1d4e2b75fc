"""Synthetic 評価書 for the benchmarks, built from sample 001's own lines: many systems, entrusted
items and 特定個人情報ファイル, as a large municipality's assessment has them (`synthetic`), and one of
a chosen size in megabytes (`sized`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "tests" / "data" / "seeds"


def synthetic(systems: int = 50, entrusted: int = 40, files: int = 10, variant: bool = False) -> str:
    """A large 評価書 in cell text, built from sample 001's own lines."""
    lines = next(SEEDS.glob("001_*.txt")).read_text(encoding="utf-8").split("\n")
    cover, part_i_head, part_i_tail = lines[:46], lines[35:46], lines[77:99]
    out = cover[:35] + part_i_head
    for n in range(1, systems + 1):
        name = f"業務システム{n}" + ("改" if variant and n == 7 else "")
        out += [
            f"システム{n}\t",
            f"①システムの名称\t{name}",
            f"②システムの機能\t{name}の機能 {n}",
            "③他のシステムとの接続\t[] 情報提供ネットワークシステム [○] 庁内連携システム [] 住民基本台帳ネットワークシステム "
            "[] 既存住民基本台帳システム [] 宛名システム等 [] 税務システム [] その他 ()",
        ]
    out += part_i_tail
    part_ii = lines[99:125]
    for f in range(1, files + 1):
        out += [*part_ii[:3], f"({f}) 特定個人情報ファイル{f}\t\t", *part_ii[4:]]
        out += [
            "4. 特定個人情報ファイルの取扱いの委託\t\t\t",
            "委託の有無 ※\t[委託する]\t<選択肢> 1) 委託する 2) 委託しない",
        ]
        for n in range(1, entrusted + 1):
            again = "しない" if variant and f == 3 and n == 12 else "する"
            out += [
                f"委託事項{n}\t委託業務{n}",
                f"①委託内容\t業務{n}の委託",
                "②委託先における取扱者数\t[10人未満]",
                f"③委託先名\t株式会社委託{n}",
                f"再委託\t④再委託の有無 ※\t[再委託{again}]",
                "\t⑤再委託の許諾方法\t書面による",
                f"\t⑥再委託事項\t業務{n}の一部",
            ]
        keep = [ln.replace("生体認証", "静脈認証") if variant and f == 5 else ln for ln in lines[127:156]]
        out += keep
    for _ in range(files):
        out += lines[156:204]
    for _ in range(files):
        out += lines[204:313]
    out += lines[313:]
    return "\n".join(out)


@cache
def _bytes_per_file() -> tuple[int, int]:
    """(bytes of the document around the files, bytes one more file adds) of `synthetic`."""
    one, two = (len(synthetic(files=n).encode("utf-8")) for n in (1, 2))
    return one - (two - one), two - one


def files_for(megabytes: float) -> int:
    """How many 特定個人情報ファイル make `synthetic` about `megabytes` MB (10^6 bytes) long."""
    fixed, each = _bytes_per_file()
    return max(1, round((megabytes * 1e6 - fixed) / each))


def sized(megabytes: float, variant: bool = False) -> str:
    """A synthetic 評価書 of about `megabytes` MB: more files, each as long as sample 001's."""
    return synthetic(files=files_for(megabytes), variant=variant)
