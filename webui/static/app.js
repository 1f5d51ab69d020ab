// Citation marks, "在原文中查看" and "复制答案" live inside rendered HTML, so one listener on the
// document handles them: opening a citation writes "turn:n:nonce" into a hidden textbox whose change
// event asks the server for the report at that quote.
document.addEventListener("click", (event) => {
  const target = event.target.closest("a.cite, button.open-source, button.copy-answer");
  if (!target) return;
  event.preventDefault();
  if (target.matches("button.copy-answer")) {
    const panel = target.closest(".citations");
    const text = panel.querySelector("textarea.answer-plain").value;
    const done = () => { panel.querySelector(".copied").textContent = "已复制"; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, () => copyByCommand(text, done));
    } else {
      copyByCommand(text, done);
    }
    return;
  }
  // The chat's sanitiser drops data attributes, so a mark carries its reply and number in its link.
  const link = /^#cite-(\d+)-(\d+)$/.exec(target.getAttribute("href") || "");
  const turn = link ? link[1] : target.dataset.turn, n = link ? link[2] : target.dataset.n;
  const box = document.querySelector("#citation-choice textarea, #citation-choice input");
  if (!box || turn === undefined || n === undefined) return;
  box.value = `${turn}:${n}:${Date.now()}`;
  box.dispatchEvent(new Event("input", { bubbles: true }));
});

function copyByCommand(text, done) {
  const area = document.createElement("textarea");
  area.value = text;
  document.body.appendChild(area);
  area.select();
  document.execCommand("copy");
  area.remove();
  done();
}

// Let the same file be chosen again (after a wrong password, say): the browser fires no change
// event for an unchanged selection. Runs after the upload button's own handler has taken the files.
document.addEventListener("change", (event) => {
  const input = event.target;
  if (input instanceof HTMLInputElement && input.type === "file" && input.closest("#reports-tab")) {
    setTimeout(() => { input.value = ""; }, 0);
  }
});
