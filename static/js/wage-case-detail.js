// Wage-arrears case page (templates/employment/wage_case_detail.html): the closing date and resolution
// belong to "closed" only.
(function () {
  var radios = document.querySelectorAll('input[type="radio"][name="status"]');
  var block = document.querySelector(".js-closing-fields");
  if (!block) { return; }
  function sync() {
    var chosen = document.querySelector('input[name="status"]:checked') || document.querySelector('input[type="hidden"][name="status"]');
    block.hidden = !chosen || chosen.value !== "closed";
  }
  radios.forEach(function (radio) { radio.addEventListener("change", sync); });
  sync();
})();
