"""A fresh server process compiles its templates and reads its URLconf before its first request."""

from django.template import engines

from directory.warmup import project_templates, warm_up


def test_it_compiles_every_template_of_the_search_page_before_a_request():
    jinja = engines["jinja2"].env
    loader = engines["django"].engine.template_loaders[0]
    jinja.cache.clear()
    loader.reset()
    warm_up()
    assert {"search/form.html", "search/results.html"} <= {name for _, name in jinja.cache.keys()}
    cached = loader.get_template_cache
    assert {"search/search.html", "base.html"} <= set(cached)


def test_it_leaves_the_admin_templates_of_the_virtualenv_alone():
    names = project_templates(engines["django"])
    assert "search/search.html" in names
    assert not any(name.startswith("admin/change_list") for name in names)
