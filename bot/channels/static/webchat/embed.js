// The snippet for the office's own website: <script src="https://DESK/chat.js" defer></script>
// adds a round button that opens the desk's /chat in a panel (a frame of the desk's page,
// so its session cookie and its answers stay with the desk). The button's words are
// the script tag's data-label (the office writes them on its own page).
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var origin = new URL(script.src).origin;
  var label = script.getAttribute("data-label") || "💬";
  var open = document.createElement("button");
  open.type = "button";
  open.textContent = label;
  open.setAttribute("aria-label", label);
  open.style.cssText = "position:fixed;right:16px;bottom:16px;z-index:2147483000;" +
    "border:0;border-radius:28px;min-width:56px;height:56px;padding:0 18px;" +
    "background:#1f6fb5;color:#fff;font-size:16px;box-shadow:0 2px 8px rgba(0,0,0,.25);cursor:pointer";
  var frame = null;
  open.onclick = function () {
    if (frame) {
      frame.style.display = frame.style.display === "none" ? "block" : "none";
      return;
    }
    frame = document.createElement("iframe");
    frame.src = origin + "/chat";
    frame.title = label;
    frame.style.cssText = "position:fixed;right:16px;bottom:84px;z-index:2147483000;" +
      "width:min(390px,calc(100vw - 32px));height:min(640px,calc(100vh - 110px));" +
      "border:0;border-radius:12px;box-shadow:0 4px 16px rgba(0,0,0,.3);background:#fff";
    document.body.appendChild(frame);
  };
  document.body.appendChild(open);
}());
