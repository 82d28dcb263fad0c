// Copy buttons on the feeds page. Without JavaScript the addresses are still plain text.
document.querySelectorAll(".copy-button").forEach(function (button) {
  var label = button.textContent;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(button.dataset.copy).then(function () {
      button.textContent = "✓ " + label;
      setTimeout(function () { button.textContent = label; }, 2000);
    });
  });
});
