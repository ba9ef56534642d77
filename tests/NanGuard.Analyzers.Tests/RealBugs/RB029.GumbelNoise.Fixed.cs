// Source: GitHub pull request clab/dynet#561 (Add clipping in gumbel to avoid NaNs): https://github.com/clab/dynet/pull/561
// Bug: Gumbel noise is sampled as -log(-log(u)) with u uniform in [0, 1); u = 0 gives log(0) = -inf and the noise is +-inf, which turns the softmax that follows into NaN.
// Fix: clip both logs' arguments away from 0: -log(-log(max(u, 1e-20)) clipped at 1e-20).
// Hazard: log of 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB029;

public static class GumbelSoftmax
{
    private static Tensor SampleGumbel(Tensor like)
    {
        var u = torch.rand_like(like);
        return -torch.log((-torch.log(u.clamp_min(1e-20))).clamp_min(1e-20));
    }

    public static Tensor Sample(Tensor logits, double temperature) =>
        F.softmax((logits + SampleGumbel(logits)) / temperature, -1);
}
