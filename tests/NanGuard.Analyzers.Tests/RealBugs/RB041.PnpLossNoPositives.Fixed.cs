// Source: GitHub pull request KevinMusgrave/pytorch-metric-learning#660 (Fix PNP loss ... negatives without related positives): https://github.com/KevinMusgrave/pytorch-metric-learning/pull/660
// Bug: the PNP loss divides each anchor's sum by N_pos, its number of positives; an anchor whose label no other sample shares has N_pos = 0.
// Fix: keep only anchors with at least one positive (safe_N) before dividing, as the pull request does; the rewrite also floors the count of such anchors at 1, which the pull request leaves at 0 for a batch without any positive pair.
// Hazard: division by 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB041;

public sealed class PnpLoss : nn.Module<Tensor, Tensor, Tensor>
{
    public PnpLoss() : base(nameof(PnpLoss)) { }

    public override Tensor forward(Tensor embeddings, Tensor labels)
    {
        var n = labels.shape[0];
        var iPos = labels.unsqueeze(0).eq(labels.unsqueeze(1)).to(ScalarType.Float32) - torch.eye(n);
        var sim = torch.matmul(embeddings, embeddings.T);
        var simAllRk = torch.sigmoid(sim.unsqueeze(1) - sim.unsqueeze(2)).sum(-1);
        var nPos = torch.sum(iPos, -1);
        var safeN = nPos > 0;
        var loss = torch.sum(simAllRk * iPos, -1)[safeN] / nPos[safeN];
        return torch.sum(loss) / torch.sum(safeN).clamp_min(1);
    }
}
