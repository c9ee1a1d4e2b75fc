"""pia-diff: compare two versions of a 特定個人情報保護評価書 and write the 別添2 変更箇所 table."""

__version__ = "0.1.0"
