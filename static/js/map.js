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

  // Pins closer than a touch target (WCAG 2.5.8: 24 px) are drawn as one, whose popup lists each meeting;
  // drawn again at each zoom, since how close two pins are depends on it.
  var NEAR_PX = 28;

  function draw(map, data) {
    var points = data.features.map(function (feature) {
      var c = feature.geometry.coordinates;
      return [c[1], c[0]];
    });
    var layer = L.layerGroup().addTo(map);
    map.on("zoomend", function () { pins(map, layer, data.features); });
    if (points.length) map.fitBounds(points, { padding: [24, 24], maxZoom: 15 });
    else map.setView([39.8, -98.6], 3);
    pins(map, layer, data.features);
    status.textContent = (button.getAttribute("data-shown") || "")
      .replace("%(shown)s", data.features.length).replace("%(count)s", data.count);
  }

  function pins(map, layer, features) {
    layer.clearLayers();
    var groups = [];
    features.forEach(function (feature) {
      var c = feature.geometry.coordinates, at = map.latLngToLayerPoint([c[1], c[0]]);
      var group = groups.find(function (g) { return g.at.distanceTo(at) < NEAR_PX; });
      if (group) group.features.push(feature);
      else groups.push({ at: at, latlng: [c[1], c[0]], features: [feature] });
    });
    groups.forEach(function (group) {
      var names = group.features.map(function (f) { return f.properties.name; });
      var title = names.length > 1 ? names.length + ": " + names.join(", ") : names[0];
      var icon = L.divIcon({ className: "map-pin", iconSize: [24, 24], html: names.length > 1 ? String(names.length) : "" });
      var marker = L.marker(group.latlng, { icon: icon, keyboard: true, title: title, alt: title });
      var wrap = document.createElement("div");
      group.features.forEach(function (f) {
        var one = popup(f.properties);
        one.className = "map-popup-meeting";
        wrap.appendChild(one);
      });
      marker.bindPopup(wrap, { maxHeight: 220 });
      layer.addLayer(marker);
    });
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
