// Progressive enhancement of the program finder; everything works without it (the place's zone is used).
(function () {
  "use strict";
  var form = document.querySelector(".finder-form");
  if (!form) return;
  // The person's time zone goes into the GET request (tz=), so meeting times are shown in it.
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  var tzField = form.elements.namedItem("tz");
  if (zone && tzField && !tzField.value) tzField.value = zone;
})();
