// Progressive enhancement of the search form; everything works without it.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form) return;

  // The visitor's time zone: the next search carries it (tz=), and this page shows online meetings in it
  // at once, from each row's <time datetime>, and its links carry it to the meeting's page. No reload.
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  var tzField = form.elements.namedItem("tz");
  var params = new URLSearchParams(window.location.search);
  if (zone && tzField && !tzField.value) tzField.value = zone;
  var list = document.querySelector(".meeting-list");
  if (zone && list && !params.has("tz") && !params.has("near") && !params.has("lat")) {
    showVisitorTimes(list, zone);
    list.querySelectorAll(".meeting-name a").forEach(function (link) {
      var url = new URL(link.href);
      url.searchParams.set("tz", zone);
      link.href = url.pathname + url.search;
    });
  }

  function showVisitorTimes(list, zone) {
    var pattern = list.getAttribute("data-your-time") || "%(time)s";
    var format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      weekday: "long", hour: "numeric", minute: "2-digit", timeZone: zone
    });
    var offset = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" });
    list.querySelectorAll("li[data-online] time[datetime]").forEach(function (time) {
      var value = time.getAttribute("datetime");
      var start = new Date(value);
      if (isNaN(start)) return;
      // The meeting's own offset is in its datetime; the visitor's, from Intl: equal offsets, nothing to add.
      var own = value.slice(-6);
      var theirs = offset.formatToParts(start).filter(function (p) { return p.type === "timeZoneName"; })[0];
      var theirOffset = theirs ? theirs.value.replace("GMT", "") || "+00:00" : "";
      if (theirOffset === own) return;
      var mine = document.createElement("strong");
      mine.className = "visitor-time";
      mine.textContent = pattern.replace("%(time)s", format.format(start)) + " · ";
      time.parentNode.insertBefore(mine, time.parentNode.firstChild);
      // The meeting's own time stays, named by its city, as the server writes it.
      var city = time.closest("li").getAttribute("data-city");
      if (city) time.after(" " + (list.getAttribute("data-in-city") || "%(city)s").replace("%(city)s", city));
    });
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
