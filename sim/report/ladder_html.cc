// Self-contained HTML page: the SVG ladder plus the full text of each message,
// shown when its arrow is clicked.  No external scripts, fonts or styles.
#include <string>

#include "sim/report/ladder.h"
#include "sim/report/xml_escape.h"

namespace siplab::report {

std::string render_html(const Ladder& ladder, const std::string& title) {
  std::string svg = render_svg(ladder);
  svg.erase(0, svg.find("<svg"));  // drop the XML declaration inside HTML
  std::string out;
  out.reserve(svg.size() * 2);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>siplab ladder: " +
         xml_escape(title) + "</title>\n";
  out += "<style>\nbody{font-family:Helvetica,Arial,sans-serif;margin:16px;}\n"
         "#ladder g.arrow{cursor:pointer;}\n#ladder g.arrow:hover text{font-weight:bold;}\n"
         "#ladder g.arrow.selected rect{fill:#fff3c4;fill-opacity:1;}\n"
         "#detail{position:sticky;bottom:0;background:#f7f7f7;border:1px solid #ccc;padding:8px;"
         "max-height:40vh;overflow:auto;white-space:pre;font-family:monospace;font-size:12px;}\n"
         "</style>\n</head>\n<body>\n";
  out += "<h1 style=\"font-size:18px\">" + xml_escape(title) + "</h1>\n<div id=\"ladder\">\n" + svg + "</div>\n";
  out += "<pre id=\"detail\">Click an arrow to see the full message.</pre>\n";
  out += "<div hidden>\n";
  for (std::size_t i = 0; i < ladder.arrows.size(); ++i)
    out += "<pre id=\"msg-" + std::to_string(i) + "\">" + xml_escape(ladder.arrows[i].detail) + "</pre>\n";
  out += "</div>\n";
  out += "<script>\n"
         "document.querySelectorAll('#ladder g.arrow').forEach(function(g){\n"
         "  g.addEventListener('click',function(){\n"
         "    document.querySelectorAll('#ladder g.arrow.selected').forEach(function(s){s.classList.remove('selected');});\n"
         "    g.classList.add('selected');\n"
         "    document.getElementById('detail').textContent=document.getElementById('msg-'+g.dataset.index).textContent;\n"
         "  });\n});\n</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace siplab::report
