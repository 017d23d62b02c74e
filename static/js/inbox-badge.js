// The navigation bar's 待办 count: fetched after the page has loaded, so that no page pays for the inbox's counts
// (the server caches them per user briefly); the link works without it.
(function () {
  var link = document.getElementById("nav-inbox");
  if (!link || !link.dataset.countUrl) {
    return;
  }
  fetch(link.dataset.countUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      return response.ok ? response.json() : null;
    })
    .then(function (answer) {
      if (!answer || !answer.total) {
        return;
      }
      var badge = document.createElement("span");
      badge.id = "nav-inbox-count";
      badge.className = "badge rounded-pill text-bg-warning ms-1";
      badge.textContent = answer.total;
      badge.title = answer.total + " 件待办";
      link.appendChild(badge);
    })
    .catch(function () {});
})();
