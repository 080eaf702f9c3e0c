// Progressive enhancement of the search form; everything works without it.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form) return;

  // The visitor's time zone goes into the URL (tz=), so online meetings are shown in their time too.
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  var tzField = form.elements.namedItem("tz");
  if (zone && tzField && !tzField.value) tzField.value = zone;
  var params = new URLSearchParams(window.location.search);
  var list = document.querySelector("[data-has-online]");
  if (zone && !params.has("tz") && list && list.getAttribute("data-has-online")) {
    params.set("tz", zone);
    window.location.replace(window.location.pathname + "?" + params.toString());
    return;
  }

  // "Use my location": the coordinates go only into this GET request, never anywhere else.
  var button = document.getElementById("near-me");
  if (button && "geolocation" in navigator) {
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        form.elements.namedItem("lat").value = position.coords.latitude.toFixed(4);
        form.elements.namedItem("lng").value = position.coords.longitude.toFixed(4);
        form.elements.namedItem("near").value = "";
        var sort = form.elements.namedItem("sort");
        if (sort) sort.value = "distance";
        form.submit();
      }, function () {
        button.disabled = false;
        button.textContent = button.getAttribute("data-failed") || "Location unavailable";
      }, { timeout: 10000, maximumAge: 600000 });
    });
  }

  // After a search, move focus to the results (or the errors) so screen reader users land there.
  var searched = Array.from(params.keys()).some(function (key) { return key !== "tz"; });
  if (searched) {
    var target = document.getElementById("search-errors") || document.getElementById("results-title");
    if (target) { target.setAttribute("tabindex", "-1"); target.focus({ preventScroll: false }); }
  }
})();
