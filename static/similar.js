// Duplicate hint: while the title is typed, list similar existing ideas. The form works without it.
(function () {
  "use strict";
  var title = document.getElementById("f-title");
  var box = document.getElementById("similar-ideas");
  if (!title || !box || !window.fetch) { return; }
  var timer = null;
  var last = "";
  function show(data) {
    box.textContent = "";
    if (!data.items || data.items.length === 0) { return; }
    var p = document.createElement("p");
    p.textContent = data.heading;
    box.appendChild(p);
    var ul = document.createElement("ul");
    data.items.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "/ideas/" + encodeURIComponent(item.id);
      a.textContent = item.title;
      li.appendChild(a);
      li.appendChild(document.createTextNode(" (" + item.status + ")"));
      ul.appendChild(li);
    });
    box.appendChild(ul);
  }
  title.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = title.value.trim();
      if (q.length < 5 || q === last) { return; }
      last = q;
      fetch("/ideas/similar?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(show)
        .catch(function () { box.textContent = ""; });
    }, 350);
  });
}());
