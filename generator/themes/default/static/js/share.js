// Progressive enhancement for a story's share links: a native share sheet where the browser has one,
// otherwise a button that copies the story's link. Without JavaScript the button stays hidden.
(function () {
  "use strict";
  var button = document.querySelector(".share-button");
  if (!button) return;
  var box = button.closest(".share-native");
  var status = box.querySelector(".share-status");
  var data = { title: button.dataset.title, text: button.dataset.text, url: button.dataset.url };
  var canShare = typeof navigator.share === "function";
  var canCopy = !!(navigator.clipboard && navigator.clipboard.writeText);
  if (!canShare && !canCopy) return;
  button.textContent = canShare ? "Share…" : "Copy link";
  box.hidden = false;

  function say(message) {
    status.textContent = message;
  }

  button.addEventListener("click", function () {
    if (canShare) {
      navigator.share(data).catch(function (error) {
        if (error && error.name !== "AbortError") say("Sharing did not work; use one of the links above.");
      });
      return;
    }
    navigator.clipboard.writeText(data.url).then(
      function () { say("Link copied."); },
      function () { say("Could not copy; the link is " + data.url); }
    );
  });
})();
