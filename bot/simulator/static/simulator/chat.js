// The LINE chat simulator: sends what a LINE user would, shows what the fake LINE API got.
(function () {
  "use strict";
  var base = location.pathname.replace(/\/$/, "");
  var log = document.getElementById("log");
  var quick = document.getElementById("quick");
  var userLabel = document.getElementById("user");
  var seen = 0;
  var tokens = {};
  var user = sessionStorage.getItem("simUser");

  function newUser() {
    var hex = "";
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes.forEach(function (b) { hex += ("0" + b.toString(16)).slice(-2); });
    user = "U" + hex;
    sessionStorage.setItem("simUser", user);
    userLabel.textContent = user;
  }
  if (!user) { newUser(); } else { userLabel.textContent = user; }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function scroll() { log.scrollTop = log.scrollHeight; }
  function showUser(text) { log.appendChild(el("div", "msg user", text)); scroll(); }

  function post(body, form) {
    var options = { method: "POST", headers: { "X-Simulator": "1" } };
    if (form) {
      options.body = form;
    } else {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(base + "/send", options).then(function (r) { return r.json(); })
      .then(function (answer) { if (answer.replyToken) { tokens[answer.replyToken] = true; } });
  }
  function send(body, shown) {
    body.user = user;
    if (shown) { showUser(shown); }
    quick.innerHTML = "";
    return post(body);
  }

  function act(action) {
    if (!action) { return; }
    if (action.type === "postback") {
      send({ type: "postback", data: action.data }, action.displayText || null);
    } else if (action.type === "message") {
      send({ type: "text", text: action.text }, action.text);
    } else if (action.type === "uri") {
      window.open(action.uri, "_blank", "noopener");
    } else if (action.type === "camera" || action.type === "cameraRoll") {
      document.getElementById("image").click();
    } else if (action.type === "location") {
      send({ type: "location", address: "ตำแหน่งจำลอง", latitude: 15.0, longitude: 102.0 },
           "📍 ตำแหน่งจำลอง");
    }
  }

  // --- Flex: roughly as LINE draws it -----------------------------------------------
  function flex(node) {
    if (!node) { return el("span"); }
    var out;
    switch (node.type) {
      case "carousel":
        out = el("div", "carousel");
        (node.contents || []).forEach(function (b) { out.appendChild(flex(b)); });
        return out;
      case "bubble":
        out = el("div", "bubble");
        ["header", "hero", "body", "footer"].forEach(function (part) {
          if (node[part]) {
            var section = el("div", "section " + part);
            section.appendChild(flex(node[part]));
            out.appendChild(section);
          }
        });
        return out;
      case "box":
        out = el("div", "box " + (node.layout || "vertical"));
        (node.contents || []).forEach(function (c) { out.appendChild(flex(c)); });
        if (node.action) { out.style.cursor = "pointer"; out.onclick = function () { act(node.action); }; }
        return out;
      case "text":
        out = el("p", "ftext " + (node.size || "md") + (node.weight === "bold" ? " bold" : ""));
        if (node.contents && node.contents.length) {
          node.contents.forEach(function (span) { out.appendChild(el("span", "", span.text)); });
        } else {
          out.textContent = node.text || "";
        }
        if (node.color) { out.style.color = node.color; }
        return out;
      case "button":
        out = el("button", "fbutton " + (node.style || "link"), (node.action || {}).label || "");
        out.type = "button";
        out.onclick = function () { act(node.action); };
        return out;
      case "separator":
        return el("hr", "separator");
      case "image":
        return el("div", "fimage", "[รูปภาพ]");
      default:
        return el("span");
    }
  }

  function showBot(message) {
    var node;
    if (message.type === "text") {
      node = el("div", "msg bot", message.text);
    } else if (message.type === "flex") {
      node = flex(message.contents);
      node.setAttribute("data-alt", message.altText || "");
      if (node.className.indexOf("carousel") < 0) { node.className += " msg-flex"; }
    } else if (message.type === "image") {
      node = el("div", "msg bot image");
      var img = el("img");
      img.src = message.previewImageUrl || message.originalContentUrl;
      img.alt = "image";
      node.appendChild(img);
    } else if (message.type === "sticker") {
      node = el("div", "msg bot", "[สติกเกอร์]");
    } else {
      node = el("div", "msg bot", "[" + message.type + "]");
    }
    log.appendChild(node);
    var items = (message.quickReply || {}).items || [];
    if (items.length) {
      quick.innerHTML = "";
      items.forEach(function (item) {
        var action = item.action || {};
        var chip = el("button", "chip", action.label || action.type);
        chip.type = "button";
        chip.onclick = function () { act(action); };
        quick.appendChild(chip);
      });
    }
    scroll();
  }

  function poll() {
    fetch(base + "/received?after=" + seen).then(function (r) { return r.json(); })
      .then(function (entries) {
        entries.forEach(function (entry) {
          seen = Math.max(seen, entry.seq);
          if (entry.to === user || (entry.reply_token && tokens[entry.reply_token])) {
            (entry.messages || []).forEach(showBot);
          }
        });
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, 400); });
  }

  // Start from what is already there: this page shows only what is sent from now on.
  fetch(base + "/received?after=0").then(function (r) { return r.json(); })
    .then(function (entries) {
      entries.forEach(function (entry) { seen = Math.max(seen, entry.seq); });
    })
    .catch(function () {})
    .then(function () { document.body.setAttribute("data-ready", "1"); poll(); });

  document.getElementById("composer").addEventListener("submit", function (event) {
    event.preventDefault();
    var input = document.getElementById("text");
    var value = input.value.trim();
    if (!value) { return; }
    input.value = "";
    send({ type: "text", text: value }, value);
  });
  document.getElementById("image").addEventListener("change", function (event) {
    var file = event.target.files[0];
    if (!file) { return; }
    var shown = el("div", "msg user image");
    var img = el("img");
    img.src = URL.createObjectURL(file);
    img.alt = file.name;
    shown.appendChild(img);
    log.appendChild(shown);
    scroll();
    var form = new FormData();
    form.append("type", "image");
    form.append("user", user);
    form.append("image", file);
    quick.innerHTML = "";
    post(null, form);
    event.target.value = "";
  });
  document.getElementById("follow").addEventListener("click", function () {
    send({ type: "follow" }, null);
  });
  document.getElementById("reset").addEventListener("click", function () {
    newUser();
    log.innerHTML = "";
    quick.innerHTML = "";
  });
}());
