// The web chat: sends what the person types or taps to /chat/send (a photo to /chat/photo)
// and draws the answer: texts, cards with buttons, choices. Every word shown comes from
// the server (the messages, or the page's data-* attributes): none is written here.
(function () {
  "use strict";
  var root = document.getElementById("chat");
  var log = document.getElementById("log");
  var choices = document.getElementById("choices");
  var form = document.getElementById("composer");
  var input = document.getElementById("text");
  var photo = document.getElementById("photo");
  var sendButton = document.getElementById("send");
  var base = location.pathname.replace(/\/$/, "");
  var busy = false;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function scroll() { log.scrollTop = log.scrollHeight; }
  function mine(text) { log.appendChild(el("div", "msg me", text)); scroll(); }

  function tap(choice) {
    if (choice.kind === "photo") { photo.click(); return; }
    if (choice.kind === "postback") {
      post({ type: "postback", data: choice.send }, choice.display || choice.label);
    } else {
      post({ type: "text", text: choice.send }, choice.send);
    }
  }

  function button(choice, cls) {
    var node = el("button", cls || "", choice.label);
    node.type = "button";
    node.onclick = function () { tap(choice); };
    return node;
  }

  function draw(message) {
    if (message.kind === "text") {
      log.appendChild(el("div", "msg bot", message.text));
    } else if (message.kind === "card") {
      var card = el("article", "card");
      card.appendChild(el("h2", "", message.title));
      var fields = el("dl");
      message.fields.forEach(function (field) {
        fields.appendChild(el("dt", "", field.name));
        fields.appendChild(el("dd", "", field.lines.join("\n")));
      });
      card.appendChild(fields);
      var buttons = el("div", "buttons");
      message.buttons.forEach(function (choice) { buttons.appendChild(button(choice)); });
      card.appendChild(buttons);
      log.appendChild(card);
    }
    if (message.choices && message.choices.length) {
      choices.innerHTML = "";
      message.choices.forEach(function (choice) { choices.appendChild(button(choice)); });
    }
  }

  function settle(request) {
    busy = true;
    sendButton.disabled = true;
    choices.innerHTML = "";
    return request.then(function (response) {
      return response.json().then(function (body) {
        if (body.messages) { body.messages.forEach(draw); }
        if (body.error && response.status === 429) {
          log.appendChild(el("div", "msg error", body.error));
        } else if (!response.ok) {
          log.appendChild(el("div", "msg error", root.dataset.error));
        }
      });
    }).catch(function () {
      log.appendChild(el("div", "msg error", root.dataset.error));
    }).then(function () {
      busy = false;
      sendButton.disabled = false;
      scroll();
    });
  }

  function post(body, shown) {
    if (busy) { return; }
    if (shown) { mine(shown); }
    return settle(fetch(base + "/send", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Tambon-Chat": "1" },
      body: JSON.stringify(body)
    }));
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || busy) { return; }
    input.value = "";
    post({ type: "text", text: text }, text);
  });

  photo.addEventListener("change", function () {
    if (!photo.files.length || busy) { return; }
    var data = new FormData();
    data.append("photo", photo.files[0]);
    photo.value = "";
    mine(root.dataset.photoSent);
    settle(fetch(base + "/photo", {
      method: "POST", credentials: "same-origin", headers: { "X-Tambon-Chat": "1" }, body: data
    }));
  });

  post({ type: "start" });
}());
