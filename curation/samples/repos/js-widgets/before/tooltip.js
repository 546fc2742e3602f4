const tooltips = [];

function attachTooltip(element, text) {
  const onEnter = () => {
    element.title = text;
  };
  element.addEventListener("mouseenter", onEnter);
  tooltips.push({ element, text, onEnter });
}

function detachTooltip(element) {
  element.title = "";
}

module.exports = { attachTooltip, detachTooltip };
