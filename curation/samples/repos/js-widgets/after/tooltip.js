const tooltips = new WeakMap();

function attachTooltip(element, text) {
  detachTooltip(element);
  const onEnter = () => {
    element.title = text;
  };
  element.addEventListener("mouseenter", onEnter);
  tooltips.set(element, onEnter);
}

function detachTooltip(element) {
  const onEnter = tooltips.get(element);
  if (onEnter) {
    element.removeEventListener("mouseenter", onEnter);
    tooltips.delete(element);
  }
  element.title = "";
}

module.exports = { attachTooltip, detachTooltip };
