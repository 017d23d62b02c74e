// Batch results page (templates/training/batch_results.html): "全部结业" (#mark-all) ticks or clears every
// row's completion box (input.js-completed), and follows them when they are ticked one by one.
(function () {
  var all = document.getElementById("mark-all");
  var boxes = document.querySelectorAll("input.js-completed");
  if (!all) { return; }
  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
  });
  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      all.checked = Array.prototype.every.call(boxes, function (b) { return b.checked; });
    });
  });
})();
