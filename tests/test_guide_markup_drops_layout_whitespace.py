"""A guide's body carries no line breaks between tags (each was a box WeasyPrint laid out); meant spaces stay."""

from __future__ import annotations

import re

from markupsafe import Markup

from guides.render import GUIDE, GuideRenderer
from guides.templating import GUIDES_TEMPLATES, build_environment, spaceless
from workflows.catalogue import load_catalogue
from workflows.office import demo_profile


def test_spaceless_drops_line_breaks_between_tags_and_keeps_a_single_space():
    html = Markup("<td><strong>申请表</strong>\n      <br><span>缺一不可</span> <span>可容缺</span>\n</td>")
    assert spaceless(html) == Markup("<td><strong>申请表</strong><br><span>缺一不可</span> <span>可容缺</span></td>")
    assert isinstance(spaceless(html), Markup)  # still safe: nothing is escaped twice


def test_a_rendered_guide_body_has_no_line_breaks_between_tags():
    renderer = GuideRenderer(build_environment([GUIDES_TEMPLATES]), "https://ban.example.gov.cn", demo_profile())
    html = renderer.html(load_catalogue().get("road-freight-licence"), GUIDE, print_css_apart=True)
    body = html[html.index('<section class="matter-guide"'):html.index("</section>")]
    assert not re.search(r">\s*\n\s*<", body)
    assert "<strong>《道路货物运输经营申请表》</strong><br>" in body
