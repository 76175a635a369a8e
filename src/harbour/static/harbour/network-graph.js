// The network page's drawing: cases and parties as an SVG graph, laid out by
// a small force simulation, with nodes that can be dragged (mouse, touch or
// pen). No build step and no inline script (CSP): the data comes from the
// json_script element "network-graph-data"; the tables on the page say the same.
(function () {
  "use strict";
  var holder = document.getElementById("network-graph");
  var source = document.getElementById("network-graph-data");
  if (!holder || !source) { return; }
  var data = JSON.parse(source.textContent || "{}");
  var nodes = data.nodes || [];
  var links = data.links || [];
  if (!nodes.length) { holder.textContent = holder.getAttribute("data-empty") || ""; return; }

  var NS = "http://www.w3.org/2000/svg";
  var allLinks = links;
  var drawnWidth = 0;

  function render() {
    // Drawn at the size it is shown (no scaling), so labels stay 12-13px on a phone.
    var width = Math.max(280, Math.min(960, holder.clientWidth || 720));
    var phone = width < 560;
    var height = Math.max(phone ? 420 : 380, Math.min(560, 140 + nodes.length * 36));
    var fontSize = phone ? 12 : 13;
    var maxChars = phone ? 20 : 30;
    // On a phone labels sit under their node; elsewhere beside it, facing out.
    var labelRoom = phone ? maxChars * fontSize * 0.3 + 4 : Math.min(maxChars * fontSize * 0.6 + 18, width * 0.32);
    var linkLength = phone ? 90 : 130;
    var repulsion = phone ? 2600 : 4200;
    var colours = {
      "case": "#1d5fa8", organisation: "#5b6470", employer: "#a33b20", recruiter: "#7a3fa0",
      housing: "#1f7a4d", worksite: "#8a6100", transporter: "#0f6f7a"
    };
    var byId = {};
    nodes.forEach(function (node, index) {
      var angle = (2 * Math.PI * index) / nodes.length;
      node.x = width / 2 + (width / 4) * Math.cos(angle);
      node.y = height / 2 + (height / 4) * Math.sin(angle);
      node.vx = 0; node.vy = 0;
      byId[node.id] = node;
    });
    links = allLinks.filter(function (link) { return byId[link.source] && byId[link.target]; });

    function simulate(steps) {
      for (var step = 0; step < steps; step++) {
        var i, j, a, b, dx, dy, d2, d, force;
        for (i = 0; i < nodes.length; i++) {
          for (j = i + 1; j < nodes.length; j++) {
            a = nodes[i]; b = nodes[j];
            dx = a.x - b.x; dy = (a.y - b.y) * 1.6; d2 = dx * dx + dy * dy + 0.01; d = Math.sqrt(d2);
            force = repulsion / d2;
            a.vx += dx / d * force; a.vy += dy / d * force;
            b.vx -= dx / d * force; b.vy -= dy / d * force;
          }
        }
        links.forEach(function (link) {
          a = byId[link.source]; b = byId[link.target];
          dx = b.x - a.x; dy = b.y - a.y;
          var distance = Math.sqrt(dx * dx + dy * dy) || 1;
          force = (distance - linkLength) * 0.03;
          a.vx += dx / distance * force; a.vy += dy / distance * force;
          b.vx -= dx / distance * force; b.vy -= dy / distance * force;
        });
        nodes.forEach(function (node) {
          if (node.fixed) { node.vx = 0; node.vy = 0; return; }
          node.vx += (width / 2 - node.x) * 0.003; node.vy += (height / 2 - node.y) * 0.006;
          node.x = Math.max(16, Math.min(width - 16, node.x + node.vx * 0.5));
          node.y = Math.max(18, Math.min(height - 18, node.y + node.vy * 0.5));
          node.vx *= 0.6; node.vy *= 0.6;
        });
      }
    }
    simulate(400);

    // Fit the drawing to the box: nodes spread over it, with room for the labels
    // on the outer side of each node (labels face away from the centre).
    function fit() {
      var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
      nodes.forEach(function (node) {
        minX = Math.min(minX, node.x); maxX = Math.max(maxX, node.x);
        minY = Math.min(minY, node.y); maxY = Math.max(maxY, node.y);
      });
      var left = labelRoom, right = width - labelRoom, top = 28, bottom = height - (phone ? 40 : 28);
      var spanX = maxX - minX, spanY = maxY - minY;
      var scaleX = Math.min(spanX ? (right - left) / spanX : 3, 3);
      var scaleY = Math.min(spanY ? (bottom - top) / spanY : 3, 3);
      var cx = (minX + maxX) / 2, cy = (minY + maxY) / 2;
      nodes.forEach(function (node) {
        node.x = width / 2 + (node.x - cx) * scaleX;
        node.y = height / 2 + (node.y - cy) * scaleY;
      });
    }
    fit();

    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    svg.setAttribute("width", String(width));
    svg.setAttribute("height", String(height));
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-labelledby", "graph-title");
    svg.setAttribute("aria-describedby", "graph-help");
    var lines = links.map(function (link) {
      var line = document.createElementNS(NS, "line");
      line.setAttribute("class", "link");
      line.setAttribute("stroke", "#8a94a0");
      line.setAttribute("stroke-width", "2");
      svg.appendChild(line);
      return line;
    });
    var labels = [];
    var groups = nodes.map(function (node) {
      var group = document.createElementNS(NS, "g");
      var square = node.kind === "case" || node.kind === "organisation";
      var shape = document.createElementNS(NS, square ? "rect" : "circle");
      if (square) {
        shape.setAttribute("width", "18"); shape.setAttribute("height", "18");
        shape.setAttribute("x", "-9"); shape.setAttribute("y", "-9"); shape.setAttribute("rx", "3");
      } else { shape.setAttribute("r", "10"); }
      shape.setAttribute("fill", colours[node.kind] || "#333");
      shape.setAttribute("stroke", "#ffffff");
      shape.setAttribute("stroke-width", "2");
      var title = document.createElementNS(NS, "title");
      title.textContent = node.role ? node.role + ": " + node.label : node.label;
      var label = document.createElementNS(NS, "text");
      label.setAttribute("y", "4");
      label.setAttribute("font-size", String(fontSize));
      label.setAttribute("fill", "#1b1f24");
      // A white halo keeps a label readable where it crosses a line.
      label.setAttribute("stroke", "#ffffff");
      label.setAttribute("stroke-width", "4");
      label.setAttribute("stroke-linejoin", "round");
      label.setAttribute("paint-order", "stroke");
      label.textContent = node.label.length > maxChars ? node.label.slice(0, maxChars - 1) + "…" : node.label;
      group.appendChild(title); group.appendChild(shape); group.appendChild(label);
      group.setAttribute("class", "node node-" + node.kind);
      group.setAttribute("cursor", "grab");
      svg.appendChild(group);
      labels.push(label);
      return group;
    });

    function draw() {
      links.forEach(function (link, index) {
        var a = byId[link.source], b = byId[link.target];
        lines[index].setAttribute("x1", a.x); lines[index].setAttribute("y1", a.y);
        lines[index].setAttribute("x2", b.x); lines[index].setAttribute("y2", b.y);
      });
      nodes.forEach(function (node, index) {
        groups[index].setAttribute("transform", "translate(" + node.x + "," + node.y + ")");
        if (phone) {
          labels[index].setAttribute("x", "0");
          labels[index].setAttribute("y", "25");
          labels[index].setAttribute("text-anchor", "middle");
          return;
        }
        var onLeft = node.x > width / 2;
        labels[index].setAttribute("x", onLeft ? "-15" : "15");
        labels[index].setAttribute("text-anchor", onLeft ? "end" : "start");
      });
    }
    draw();

    // A key to the colours and shapes, for the kinds present.
    var kinds = [];
    nodes.forEach(function (node) {
      if (kinds.indexOf(node.kind) === -1) { kinds.push(node.kind); }
    });
    var names = {
      "case": holder.getAttribute("data-case") || "",
      organisation: holder.getAttribute("data-organisation") || ""
    };
    nodes.forEach(function (node) { if (node.role) { names[node.kind] = node.role; } });
    var key = document.createElement("ul");
    key.className = "graph-key";
    kinds.forEach(function (kind) {
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch" + (kind === "case" || kind === "organisation" ? " square" : "");
      swatch.style.background = colours[kind] || "#333";
      swatch.setAttribute("aria-hidden", "true");
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(names[kind] || kind));
      key.appendChild(item);
    });

    var dragged = null;
    function point(event) {
      var box = svg.getBoundingClientRect();
      return { x: (event.clientX - box.left) * width / box.width, y: (event.clientY - box.top) * height / box.height };
    }
    groups.forEach(function (group, index) {
      group.addEventListener("pointerdown", function (event) {
        dragged = nodes[index]; dragged.fixed = true;
        group.setPointerCapture(event.pointerId);
        event.preventDefault();
      });
      group.addEventListener("pointermove", function (event) {
        if (dragged !== nodes[index]) { return; }
        var at = point(event);
        dragged.x = Math.max(12, Math.min(width - 12, at.x));
        dragged.y = Math.max(12, Math.min(height - 12, at.y));
        simulate(2); draw();
      });
      group.addEventListener("pointerup", function () { dragged = null; });
    });
    holder.textContent = "";
    holder.appendChild(svg);
    holder.appendChild(key);
    drawnWidth = holder.clientWidth;
  }

  render();
  // Drawn again at the new size when the space changes a lot (a phone turned,
  // a window resized), so labels keep their size.
  var waiting = null;
  window.addEventListener("resize", function () {
    clearTimeout(waiting);
    waiting = setTimeout(function () {
      if (Math.abs(holder.clientWidth - drawnWidth) > 40) {
        nodes.forEach(function (node) { node.fixed = false; });
        render();
      }
    }, 150);
  });
})();
