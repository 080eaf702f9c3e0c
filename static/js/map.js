// The search's map view: drawn only when the visitor presses "Show the map" (no image is requested before),
// from the search's GeoJSON; each pin is a focusable marker whose popup links to the meeting.
(function () {
  "use strict";
  var button = document.getElementById("show-map");
  var box = document.getElementById("map");
  if (!button || !box || !window.L) return;
  var note = document.getElementById("map-needs-script");
  if (note) note.hidden = true;
  button.hidden = false;
  var status = document.getElementById("map-status");

  button.addEventListener("click", function () {
    button.hidden = true;
    box.hidden = false;
    var map = L.map(box, { keyboard: true, scrollWheelZoom: false });
    var credit = document.createElement("a");
    credit.href = button.getAttribute("data-attribution-url") || "#";
    credit.textContent = button.getAttribute("data-attribution") || "";
    L.tileLayer(button.getAttribute("data-tiles"), { maxZoom: 18, attribution: credit.outerHTML }).addTo(map);
    map.attributionControl.setPrefix(false);
    fetch(button.getAttribute("data-geojson"), { headers: { Accept: "application/geo+json" } })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (data) { draw(map, data); })
      .catch(function () {
        status.textContent = button.getAttribute("data-failed");
        map.setView([39.8, -98.6], 3);
      });
  });

  function draw(map, data) {
    var points = [];
    data.features.forEach(function (feature) {
      var p = feature.properties, c = feature.geometry.coordinates;
      var icon = L.divIcon({ className: "map-pin", iconSize: [24, 24], html: "" });
      var marker = L.marker([c[1], c[0]], { icon: icon, keyboard: true, title: p.name, alt: p.name });
      marker.bindPopup(popup(p));
      marker.addTo(map);
      points.push([c[1], c[0]]);
    });
    if (points.length) map.fitBounds(points, { padding: [24, 24], maxZoom: 15 });
    else map.setView([39.8, -98.6], 3);
    status.textContent = (button.getAttribute("data-shown") || "")
      .replace("%(shown)s", data.features.length).replace("%(count)s", data.count);
  }

  // Built from text nodes: a meeting's name is never read as markup.
  function popup(p) {
    var wrap = document.createElement("div");
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = p.name;
    var strong = document.createElement("strong");
    strong.appendChild(link);
    wrap.appendChild(strong);
    [p.when, p.attendance + (p.distance ? " · " + p.distance : ""), p.place].forEach(function (text) {
      var line = document.createElement("div");
      line.textContent = text;
      wrap.appendChild(line);
    });
    return wrap;
  }
})();
