// Source: GitHub pull request digantamisra98/EvoNorm#5 (fix instance_std nan issue): https://github.com/digantamisra98/EvoNorm/pull/5
// Bug: instance_std takes torch.var over the spatial dims with Bessel's correction; on a 1x1 feature map that is one value, n - 1 = 0, and the variance is NaN.
// Fix: the PR replaces a NaN variance by 0; this rewrite computes the population variance (unbiased: false), which is that value without a NaN in the gradient.
// Hazard: unbiased std of one value
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB033;

public sealed class EvoNorm2dS0 : nn.Module<Tensor, Tensor>
{
    private readonly Parameter gamma = new(torch.ones(1, 64, 1, 1));
    private readonly Parameter beta = new(torch.zeros(1, 64, 1, 1));
    private readonly Parameter v = new(torch.ones(1, 64, 1, 1));

    public EvoNorm2dS0() : base(nameof(EvoNorm2dS0)) => RegisterComponents();

    private static Tensor InstanceStd(Tensor x, double eps = 1e-5)
    {
        var variance = torch.var(x, new long[] { 2, 3 }, unbiased: false, keepdim: true);
        return torch.sqrt(variance + eps);
    }

    public override Tensor forward(Tensor x)
    {
        var num = x * torch.sigmoid(v * x);
        return num / InstanceStd(x) * gamma + beta;
    }
}
