// okr-assistant: progressive enhancement only. Without this file every page works with plain forms.
// The Draft form streams: objectives appear as they are drafted (server-rendered HTML over server-sent events).
"use strict";

(function () {
  function parseFrames(buffer, onFrame) {
    var frames = buffer.split("\n\n");
    var rest = frames.pop();
    frames.forEach(function (frame) {
      var event = "message";
      var data = [];
      frame.split("\n").forEach(function (line) {
        if (line.indexOf("event:") === 0) { event = line.slice(6).trim(); }
        else if (line.indexOf("data:") === 0) { data.push(line.slice(5).replace(/^ /, "")); }
      });
      if (data.length) { onFrame(event, JSON.parse(data.join("\n"))); }
    });
    return rest;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function enhanceDraft(form) {
    var output = document.getElementById("draft-output");
    var button = form.querySelector("button[type=submit]");
    if (!output || !window.fetch || !window.TextDecoder || !window.FormData) { return; }

    form.addEventListener("submit", function (submitEvent) {
      if (!form.checkValidity()) { return; }
      submitEvent.preventDefault();
      var data = new FormData(form);
      button.disabled = true;
      output.setAttribute("aria-busy", "true");
      output.replaceChildren();
      var progress = el("div", "progress");
      var title = el("p", "progress-title");
      title.appendChild(el("span", "spinner"));
      title.appendChild(el("span", "", "Drafting…"));
      var steps = el("ol");
      progress.appendChild(title);
      progress.appendChild(steps);
      var objectives = el("ol", "objectives");
      output.appendChild(progress);
      output.appendChild(objectives);

      var started = false;

      function finish() {
        button.disabled = false;
        output.removeAttribute("aria-busy");
      }

      function onFrame(event, payload) {
        if (event === "step" || event === "repair") {
          steps.appendChild(el("li", "", payload.message));
          steps.scrollTop = steps.scrollHeight;
        } else if (event === "objective") {
          var item = el("li");
          item.innerHTML = payload.html;  // rendered and escaped by the server's templates
          objectives.appendChild(item);
          steps.appendChild(el("li", "", "Drafted: " + payload.message));
        } else if (event === "result" || event === "error") {
          output.innerHTML = payload.html;  // server-rendered
          finish();
          var first = output.querySelector("h3, .alert-title");
          if (first) { first.setAttribute("tabindex", "-1"); first.focus({ preventScroll: false }); }
        }
      }

      fetch(form.dataset.stream, { method: "POST", body: data, headers: { "Accept": "text/event-stream" } })
        .then(function (response) {
          var type = response.headers.get("content-type") || "";
          if (!response.ok || type.indexOf("text/event-stream") !== 0 || !response.body) {
            finish();
            form.submit();  // let the server render the page (with the form's errors)
            return null;
          }
          started = true;
          var reader = response.body.getReader();
          var decoder = new TextDecoder();
          var buffer = "";
          function pump() {
            return reader.read().then(function (chunk) {
              if (chunk.done) { finish(); return null; }
              buffer = parseFrames(buffer + decoder.decode(chunk.value, { stream: true }), onFrame);
              return pump();
            });
          }
          return pump();
        })
        .catch(function () {
          finish();
          if (!started) { form.submit(); return; }
          var alert = el("div", "alert alert--error");
          alert.setAttribute("role", "alert");
          alert.appendChild(el("p", "", "The connection to the server dropped before the draft finished. Submit the form again."));
          output.appendChild(alert);
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-stream]");
    if (form) { enhanceDraft(form); }
  });
})();
