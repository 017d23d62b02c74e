// Upload forms (#upload-form with #upload-progress and #upload-button): show the upload's own
// progress on slow county networks before the server checks the file; without JavaScript the form
// posts as usual.
(function () {
  const form = document.getElementById("upload-form");
  const bar = document.getElementById("upload-progress");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  form.addEventListener("submit", function (event) {
    const input = form.querySelector("input[type=file]");
    if (!input || !input.files.length) return;
    event.preventDefault();
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    bar.classList.remove("d-none");
    document.getElementById("upload-button").disabled = true;
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable) return;
      const percent = Math.round(100 * e.loaded / e.total);
      bar.firstElementChild.style.width = percent + "%";
      bar.firstElementChild.textContent = percent < 100 ? "上传中 " + percent + "%" : "正在检查文件…";
    };
    xhr.onload = function () {
      // The request already followed the redirect: show the page it answered (with its one-time notices,
      // e.g. that the file waits for the background service) at its own address, rather than asking again.
      if (xhr.responseURL && xhr.responseURL !== window.location.href) { window.history.replaceState(null, "", xhr.responseURL); }
      document.open(); document.write(xhr.responseText); document.close();
    };
    xhr.onerror = function () { form.submit(); };
    xhr.send(new FormData(form));
  });
})();
