"""The "how to read" text of every dashboard panel, by panel kind."""
HOW_TO_READ = {
    "glance": (
        "One line per network: its test AUC, the known motif (JASPAR CORE, by TOMTOM) closest "
        "to the input it would most like to see (class optimisation), and the JASPAR motif that "
        "is most often the best match of its first-layer filters (among the filters that "
        "separate bound from unbound sequences best, see 'First-layer filters'). p(bound) is "
        "what the model says of the class-optimised input; an optimisation that found no input "
        "the model calls bound (best p(bound) under 0.5) is marked FAILED: its motifs show "
        "nothing the model wants. The panels below show the evidence behind each entry."),
    "comparison": (
        "Each model was fitted on the training set only and scored once on the held-out test "
        "set. AUC is the chance that a random bound sequence scores above a random unbound one "
        "(0.5 = guessing, 1 = perfect); AUPRC is the area under the precision-recall curve and "
        "drops faster than AUC when the positives are hard to rank at the top. Curves closer to "
        "the top-left (ROC) and top-right (PR) corners are better."),
    "saliency": (
        "Attribution maps of the test positives this model scores highest, by expected "
        "gradients: the model's log-odds of bound (its logit) split over the input "
        "bases, averaging gradients along paths from dinucleotide-shuffled copies of the "
        "sequence to the sequence itself. The logo (top) shows each present base's share: tall "
        "letters raise the prediction, letters below the line lower it, and a binding site shows "
        "as a run of tall letters. The heatmap (bottom) shows all four bases: red raises the "
        "score, blue lowers it. Shaded spans are the planted sites, where known. Why this method "
        "and not DeMo's saliency |d log p / dx| x: on planted data it ranks the planted "
        "positions of the motifs a model uses at AUROC 0.96-0.98, against 0.80-0.92 for DeMo's "
        "map (benchmarks/RESULTS.md; with planted motifs this report scores every method "
        "against the sites); a single gradient sees only the local slope, which a ReLU or a "
        "saturated max can flatten inside a motif, and log p's gradient carries a factor 1 - p "
        "that vanishes for the confident sequences shown here. In-silico mutagenesis ranks "
        "sites about as well, but gives the present base no share of its own, so its logo "
        "does not read as a motif."),
    "temporal": (
        "The model's output p(bound) after reading the sequence up to each position: forward "
        "(from the left end to position i, blue) and backward (from the right end back to "
        "position i, orange), as DeMo's temporal output scores. A jump in a curve marks where "
        "the model sees the evidence; the heat strips below show the same two curves aligned "
        "with the letters. For the CNN, which has no reading order, the score is computed with "
        "the unread part of the sequence set to zeros."),
    "class": (
        "The input that maximises the model's log-odds of bound (DeMo's class optimisation), "
        "found by gradient ascent with an L2 penalty from random starts. Unlike DeMo, the input "
        "is kept a probability matrix throughout (a softmax over the four bases at every "
        "position), so the matrix shown is exactly the one optimised, and p(bound) in each "
        "title is what the model says when fed that matrix. Each logo is the window of one "
        "restart that the model itself weighs most (gradient x input), with its best JASPAR "
        "CORE matches (TOMTOM p-values; smaller is a closer match). If the model learned a "
        "transcription factor's motif, that factor (or one of its family) should be among the "
        "matches."),
    "filters": (
        "First-layer convolution filters turned into motifs: the input windows where a filter "
        "fires at over half its maximum on the training positives, as base frequencies "
        "(DeepBind/Basset style). Shown: up to 12 filters ranked by how much they matter, the "
        "AUROC of a filter's strongest activation per sequence for bound vs unbound training "
        "sequences (1 = fires more on every bound sequence, 0.5 = does not tell them apart; "
        "filters under 0.6 are left out), with the number of windows behind each logo and the "
        "closest JASPAR matches (name, matrix ID, TOMTOM p-value). A match p-value says what a "
        "filter looks like, not whether the model uses it. The CNN-RNN's filters read both "
        "strands (each fires on its motif or the motif's reverse complement); a window found "
        "on the reverse strand is counted reverse-complemented, in the filter's orientation. "
        "All filters are in the data file."),
    "discovered": (
        "Motifs found in the model's own attributions rather than in its weights: TF-MoDISco "
        "(modisco-lite) cuts the training positives' attribution maps (gradient of the "
        "log-odds, minus its mean over the four bases at each position) into seqlets, the "
        "short regions of high attribution, clusters them and averages each cluster into a "
        "pattern. Each logo is a pattern's base frequencies where it carries attribution, "
        "titled with its metacluster (positive: raises p(bound)), the number of seqlets "
        "behind it and its closest JASPAR matches (TOMTOM p-values). Unlike filters, every "
        "pattern here is something the model uses on real inputs."),
    "dependencies": (
        "The data follow a {grammar} order grammar: a sequence is bound when {first} comes "
        "before {second}, further apart than the CNN's 25 bp receptive field. For every test "
        "positive, each panel shows the model's forward temporal score (p(bound) after reading "
        "the sequence from the left up to each position) around the {second} site, averaged: "
        "blue as the sequence is, gray in a copy whose {first} site was replaced by random "
        "bases. A model that learned the dependency jumps at {second} only when {first} was "
        "read before it (blue rises, gray stays flat): the recurrent layer carries the first "
        "motif in its state. A model that only detects motifs jumps the same in both. A "
        "bidirectional model may carry the dependency in its backward direction instead "
        "(reading {second}, then {first}): the table gives both directions, each jump taken "
        "from 4 bases before the site to 4 bases past it. The CNN has no reading order; its "
        "curve is the score with the unread part set to zeros."),
    "learned_dependencies": (
        "Top: the model's log-odds of bound with the two strongest motifs it learned (class "
        "optimisation, named by their best JASPAR match) written into dinucleotide-shuffled test "
        "negatives, centred, at every gap between them (x axis), {first} first (left) or "
        "{second} first (right); the band is the standard error over 20 backgrounds. Bottom: "
        "the interaction, log-odds with both minus with each alone plus with neither. A flat "
        "interaction near 0 means the motifs add up; a rise at some gaps, or in one order only, "
        "means the model reads them together there: a spacing or an order it learned. The heat "
        "maps are the site interactions of the test positives the model is most sure of, at "
        "the sites it reads (10-base windows of its strongest attribution): the diagonal is what "
        "removing one site (shuffling its bases) costs in log-odds; off the diagonal, red means "
        "two sites act together (removing both costs more than the two alone: both are needed), "
        "blue that either will do."),
    "planted": (
        "The motifs planted in the synthetic data (left) beside the closest motif each model "
        "recovered, among its class-optimised inputs and first-layer filters (ranked by the "
        "TOMTOM p-value against the planted JASPAR motif, oriented like it). 'none' means no "
        "recovered motif had the planted one among its top JASPAR matches. The second table gives, "
        "for every attribution method, the AUROC of per-position importance for planted "
        "positions vs all others over the test positives ('test positives': how many; a "
        "seeded random sample when there are more than --site-auroc-sequences, default 100): "
        "0.5 = the map ignores the sites, 1 = "
        "it ranks every site position first; then the same for each motif's sites alone "
        "against the positions outside every site. '(shown)' marks the method of the saliency "
        "panels. Read the per-motif columns before blaming a map: when every positive carries "
        "both motifs, one suffices to classify, and a model that learned only that one is mapped "
        "faithfully with a high AUROC for it and about 0.5 for the other, whatever the method. "
        "A motif ranked high by every method is one the model uses; one near 0.5 for all of "
        "them is one it ignores."),
}
