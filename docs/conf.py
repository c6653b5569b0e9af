"""Sphinx configuration of the sklearn_demo documentation site.

Built by ``make docs`` (examples executed) and by ``tests/test_docs.py``
(examples rendered without running them, ``-D plot_gallery=0``), both with
warnings as errors.
"""
import os
import sys
from importlib.metadata import version as _version

sys.path.insert(0, os.path.abspath(".."))

project = "sklearn_demo"
author = "sklearn_demo developers"
release = _version("sklearn-demo")
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
numpydoc_show_class_members = False
numpydoc_validation_checks = set()
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py",
                    "auto_examples/*.zip", "auto_examples/*.md5"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header", "myst.xref_missing"]

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
}

intersphinx_mapping = {}
html_theme = "alabaster"


def _skip_foreign_members(app, what, name, obj, skip, options):
    """Document the package's own members only: methods inherited from
    scikit-learn and skorch (metadata routing, ``score``) are theirs to
    document, and their docstrings point into their own sites."""
    module = getattr(obj, "__module__", None) or ""
    if what == "class" and module and not module.startswith("sklearn_demo"):
        return True
    return skip


def setup(app):
    app.connect("autodoc-skip-member", _skip_foreign_members)
html_static_path = []
templates_path = ["_templates"]
