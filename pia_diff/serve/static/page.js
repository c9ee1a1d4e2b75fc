// pia-diff serve: drag-and-drop onto the file fields, the size limit checked before sending, the
// reason a confirmed exemption needs, and focus on the row just judged. The page works without it.
"use strict";

function bytes(n) {
  return n.toLocaleString("ja-JP") + " バイト";
}

function showChosen(zone, input) {
  const out = zone.querySelector(".chosen");
  const file = input.files && input.files[0];
  input.setCustomValidity("");
  out.classList.remove("bad");
  if (!file) {
    out.textContent = "";
    return;
  }
  const limit = Number(input.dataset.limit || 0);
  if (limit && file.size > limit) {
    const message = "ファイルが大きすぎます (" + bytes(file.size) + "、上限 " + bytes(limit) + ")。" +
      (input.dataset.what || "評価書") + "のファイルか確かめてください。";
    input.setCustomValidity(message);
    out.textContent = file.name + ": " + message;
    out.classList.add("bad");
    return;
  }
  out.textContent = "選んだファイル: " + file.name + " (" + bytes(file.size) + ")";
}

function setUpDrop(zone) {
  const input = zone.querySelector("input[type=file]");
  if (!input) return;
  input.addEventListener("change", () => showChosen(zone, input));
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    const files = event.dataTransfer && event.dataTransfer.files;
    if (!files || !files.length) return;
    const one = new DataTransfer();
    one.items.add(files[0]);
    input.files = one.files;
    showChosen(zone, input);
  });
}

function setUpBusy(form) {
  form.addEventListener("submit", () => {
    const note = form.querySelector(".busy");
    if (note) note.textContent = form.dataset.busy || "処理しています…";
    const button = form.querySelector("button[type=submit]");
    // after this event the form is already being sent; a second click would send it again
    if (button) setTimeout(() => { button.disabled = true; }, 0);
  });
}

function setUpReasons() {
  document.querySelectorAll("button[data-needs-reason]").forEach((button) => {
    button.addEventListener("click", (event) => {
      const box = document.getElementById(button.dataset.needsReason);
      if (box && !box.value.trim()) {
        event.preventDefault();
        box.setAttribute("aria-invalid", "true");
        box.setCustomValidity("例外として確認するには、理由を一文で書いてください。");
        box.reportValidity();
        box.focus();
      }
    });
  });
  document.querySelectorAll("textarea[id^=reason-]").forEach((box) => {
    box.addEventListener("input", () => box.setCustomValidity(""));
  });
}

function focusRow() {
  const marker = document.querySelector("[data-focus]");
  if (!marker) return;
  const row = document.getElementById(marker.dataset.focus);
  const heading = row && row.querySelector("h3");
  if (heading) {
    heading.focus();
    row.scrollIntoView({ block: "start" });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-drop]").forEach(setUpDrop);
  document.querySelectorAll("form.upload").forEach(setUpBusy);
  setUpReasons();
  focusRow();
  const error = document.getElementById("error");
  if (error) error.focus();
});
