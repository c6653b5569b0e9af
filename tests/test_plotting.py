import matplotlib.pyplot as plt
import numpy as np
import pytest

from sklearn_demo import fetch_jaspar_motifs, match_motifs
from sklearn_demo.plotting import plot_motif, plot_saliency, plot_temporal_scores


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_saliency_figure_has_logo_heatmap_and_shaded_sites(tmp_path):
    rng = np.random.RandomState(0)
    fig = plot_saliency(rng.normal(size=(4, 101)), "ACGT" * 25 + "A",
                        sites=[("MA0139", 10, 25, "+")], title="CTCF site")
    logo_ax, heat_ax = fig.axes[:2]
    assert [t.get_text() for t in heat_ax.get_yticklabels()] == list("ACGT")
    assert "".join(t.get_text() for t in heat_ax.texts) == "ACGT" * 25 + "A"
    assert len(logo_ax.patches) >= 1  # the shaded site
    fig.savefig(tmp_path / "s.png")
    assert (tmp_path / "s.png").stat().st_size > 1000


def test_temporal_figure_draws_both_directions():
    scores = np.vstack([np.linspace(0, 1, 50), np.linspace(1, 0, 50)])
    fig = plot_temporal_scores(scores, "A" * 50)
    lines = fig.axes[0].get_lines()
    np.testing.assert_allclose(lines[0].get_ydata(), scores[0], atol=1e-12)
    np.testing.assert_allclose(lines[1].get_ydata(), scores[1], atol=1e-12)
    assert fig.axes[1].get_images()[0].get_array().shape == (2, 50)


def test_motif_figure_names_its_matches_and_draws_the_reference():
    ctcf = fetch_jaspar_motifs(["MA0139"])["MA0139"].pwm
    matches = match_motifs([ctcf], n_matches=3)[0]
    fig = plot_motif(ctcf, matches=matches, reference=ctcf)
    assert "CTCF (MA0139.2)" in fig.axes[0].get_title(loc="left")
    assert len(fig.axes) == 2


@pytest.mark.parametrize("plot, values", [(plot_saliency, np.random.RandomState(0).normal(size=(4, 101))),
                                          (plot_temporal_scores, np.random.RandomState(0).rand(2, 101))])
def test_tracks_line_up_base_for_base_in_the_saved_figure(plot, values, tmp_path):
    """The logo (or curves) and the heatmap below share one plot-area width
    and one x range, so position j is at the same pixel column in both;
    the colour bar has its own column."""
    fig = plot(values, "ACGT" * 25 + "A", sites=[("site", 10, 25, "+")])
    fig.savefig(tmp_path / "f.png", dpi=100)
    top, bottom = fig.axes[:2]
    box_top, box_bottom = top.get_window_extent(), bottom.get_window_extent()
    assert abs(box_top.x0 - box_bottom.x0) < 0.5 and abs(box_top.x1 - box_bottom.x1) < 0.5
    assert top.get_xlim() == bottom.get_xlim()
    assert bottom.images[0].colorbar is not None and bottom.images[0].colorbar.ax.get_ylabel()


def test_sites_are_outlined_on_heatmaps_not_painted_over():
    fig = plot_saliency(np.zeros((4, 30)), "A" * 30, sites=[("site", 5, 12, "+")])
    heat_ax = fig.axes[1]
    assert heat_ax.patches and all(not patch.get_fill() for patch in heat_ax.patches)
    assert len(heat_ax.texts) == 30 and min(t.get_fontsize() for t in heat_ax.texts) >= 8


def test_every_plot_draws_into_axes_of_the_users_figure():
    from sklearn_demo.explain import OrderEffect
    from sklearn_demo.plotting import plot_logo_grid, plot_order_effect, plot_roc_pr

    fig, axes = plt.subplots(3, 4)
    row = axes.ravel()
    sequence = "ACGT" * 5
    assert plot_saliency(np.random.rand(4, 20), sequence, ax=row[0:2]) is fig
    assert plot_temporal_scores(np.random.rand(2, 20), sequence, ax=row[2:4]) is fig
    assert plot_motif(np.full((4, 6), 0.25), ax=row[4]) is fig
    assert plot_roc_pr({"m": (np.array([0, 1, 1, 0]), np.array([.1, .8, .6, .3]))},
                       ax=row[5:7]) is fig
    assert plot_logo_grid([np.full((4, 6), 0.25)] * 2, ["a", "b"], ax=row[7:9]) is fig
    forward = np.linspace(0, 1, 50)[None].repeat(3, 0)
    effect = OrderEffect(np.ones(3), np.zeros(3), np.ones(3), np.zeros(3), forward, forward / 2,
                         np.array([[20, 30]] * 3))
    assert plot_order_effect({"m": effect}, ax=row[9:10]) is fig
    assert all(a.has_data() or a.images for a in row[:10])
    with pytest.raises(ValueError, match="ax must be 2 matplotlib Axes"):
        plot_saliency(np.random.rand(4, 20), sequence, ax=row[0])


def test_logo_letters_are_as_tall_as_their_values_and_stack_out_from_the_baseline():
    """Closed form: in a column (A=1, C=-0.5, G=0, T=2) A sits on the baseline
    with T above it (largest furthest out), C hangs below it, G is not drawn."""
    from matplotlib.collections import PatchCollection

    from sklearn_demo.plotting.sequences import LETTER_COLORS, _logo

    fig, ax = plt.subplots()
    _logo(np.array([[1.0], [-0.5], [0.0], [2.0]]), ax, ylabel="bits")
    (letters,) = [c for c in ax.collections if isinstance(c, PatchCollection)]
    boxes = [path.get_extents() for path in letters.get_paths()]
    spans = [(round(b.y0, 6), round(b.y1, 6)) for b in boxes]
    colors = [tuple(c[:3]) for c in letters.get_facecolors()]
    assert sorted(zip(spans, colors)) == sorted([
        ((0.0, 1.0), LETTER_COLORS["A"]), ((1.0, 3.0), LETTER_COLORS["T"]),
        ((-0.5, 0.0), LETTER_COLORS["C"])])
    assert all(-0.45 - 1e-9 <= b.x0 and b.x1 <= 0.45 + 1e-9 for b in boxes)  # its own column
    assert ax.get_ylim() == (-0.5, 3.0)
    plt.close(fig)
