() => {
  // Bring the top of the newest reply into view, so a refusal's first line is never scrolled past.
  const bots = document.querySelectorAll("#chat [data-testid='bot']");
  const last = bots[bots.length - 1];
  if (!last) return;
  let box = last.parentElement;
  while (box && box !== document.body && !(box.scrollHeight > box.clientHeight + 1 && getComputedStyle(box).overflowY !== "visible")) {
    box = box.parentElement;
  }
  if (!box || box === document.body) { last.scrollIntoView({ block: "start" }); return; }
  box.scrollTop += last.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
}
