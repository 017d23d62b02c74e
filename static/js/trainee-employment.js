// A trainee's employment page (templates/employment/trainee_employment.html).
(function () {
  // Show only the fields of the chosen outcome kind; hidden fields are disabled so they are not sent.
  document.querySelectorAll(".js-outcome-kind").forEach(function (select) {
    var form = select.closest("form");
    function sync() {
      form.querySelectorAll(".js-kind-fields").forEach(function (block) {
        var hidden = block.dataset.kind !== select.value;
        block.hidden = hidden;
        block.querySelectorAll("input, select, textarea").forEach(function (input) { input.disabled = hidden; });
      });
    }
    select.addEventListener("change", sync);
    sync();
  });
  // A form that came back with errors is at the bottom of a long page: bring it into view.
  var refused = document.querySelector(".js-has-errors");
  if (refused) { refused.scrollIntoView({block: "start"}); }
})();
