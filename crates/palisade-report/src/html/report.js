(function () {
  "use strict";
  var table = document.getElementById("findings-table");
  if (table) {
    var body = table.tBodies[0];
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      th.tabIndex = 0;
      function sort() {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var num = th.getAttribute("data-type") === "num";
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col], y = b.cells[col];
          var vx = num ? Number(x.getAttribute("data-v")) : x.textContent.toLowerCase();
          var vy = num ? Number(y.getAttribute("data-v")) : y.textContent.toLowerCase();
          var c = vx < vy ? -1 : vx > vy ? 1 : 0;
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
    });
    var q = document.getElementById("q"), sev = document.getElementById("sev"),
        status = document.getElementById("status");
    function filter() {
      var text = q.value.toLowerCase();
      Array.prototype.forEach.call(body.rows, function (r) {
        var show = (!text || r.textContent.toLowerCase().indexOf(text) >= 0) &&
          (!sev.value || r.getAttribute("data-sev") === sev.value) &&
          (!status.value || r.getAttribute("data-status") === status.value);
        r.classList.toggle("hidden", !show);
      });
    }
    q.addEventListener("input", filter);
    sev.addEventListener("change", filter);
    status.addEventListener("change", filter);
  }
  // Open a finding when its link is followed; print everything expanded.
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el && el.tagName === "DETAILS") { el.open = true; }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
})();
