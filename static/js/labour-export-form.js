// Labour-export group form (templates/employment/labour_export_form.html): filter the member list as the
// clerk types, tick every shown member, and keep the count of chosen members up to date.
(function () {
  var filter = document.querySelector(".js-member-filter");
  if (!filter) { return; }
  var rows = Array.prototype.slice.call(document.querySelectorAll(".js-member"));
  var count = document.querySelector(".js-chosen-count");
  function recount() { count.textContent = document.querySelectorAll('input[name="trainees"]:checked').length; }
  filter.addEventListener("input", function () {
    var words = filter.value.trim().toLowerCase();
    rows.forEach(function (row) { row.hidden = words !== "" && row.dataset.search.toLowerCase().indexOf(words) === -1; });
  });
  filter.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); } });
  document.querySelector(".js-member-all").addEventListener("click", function () {
    rows.forEach(function (row) { if (!row.hidden) { row.querySelector("input").checked = true; } });
    recount();
  });
  document.addEventListener("change", function (event) { if (event.target.name === "trainees") { recount(); } });
})();
