// Bulk pages (templates/subsidies/bulk_list.html): "全选本页" (#select-all) ticks or clears every row's box
// (input.js-pick), follows them when they are ticked one by one, and the button says how many are ticked.
(function () {
  var all = document.getElementById("select-all");
  var boxes = document.querySelectorAll("input.js-pick");
  var count = document.getElementById("picked-count");
  if (!all) { return; }
  function update() {
    var picked = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
    all.checked = boxes.length > 0 && picked === boxes.length;
    if (count) { count.textContent = picked; }
  }
  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
    update();
  });
  boxes.forEach(function (box) { box.addEventListener("change", update); });
  update();
})();
