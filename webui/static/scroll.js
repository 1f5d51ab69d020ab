() => {
  // Bring the top of the newest reply into view inside the chat's own scrolling box, so a refusal's
  // first line is never scrolled past; the page itself never moves.
  const chat = document.querySelector("#chat");
  const bots = document.querySelectorAll("#chat [data-testid='bot']");
  const last = bots[bots.length - 1];
  if (!chat || !last) return;
  for (let box = last.parentElement; box && box !== chat.parentElement; box = box.parentElement) {
    const style = getComputedStyle(box).overflowY;
    if (box.scrollHeight > box.clientHeight + 1 && (style === "auto" || style === "scroll")) {
      box.scrollTop += last.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
      return;
    }
  }
}
