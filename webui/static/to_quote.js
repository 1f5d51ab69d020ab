() => {
  // Scroll the opened report to the marked quote, inside its own box, and bring the panel into view.
  const mark = document.querySelector("#source-view mark.source-quote");
  if (!mark) return;
  const box = mark.closest(".source-view");
  box.scrollTop += mark.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 3;
  const rect = box.getBoundingClientRect();
  if (rect.top < 0 || rect.bottom > window.innerHeight) box.scrollIntoView({ block: "nearest" });
}
