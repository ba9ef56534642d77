// Source: GitHub issue pytorch/pytorch#8069 (NaN error using acos()): https://github.com/pytorch/pytorch/issues/8069
// Bug: the angle is torch.acos of a cosine clamped to exactly [-1, 1]; where the cosine reaches 1 the forward is fine but acos' gradient, -1/sqrt(1 - x^2), is inf and the weights go NaN.
// Fix: clamp to [-1 + eps, 1 - eps] with eps = 1e-7, as the reporter's fix does.
// Hazard: acos at +-1
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB030;

public sealed class AngularLoss : nn.Module<Tensor, Tensor, Tensor>
{
    private const double Eps = 1e-7;

    public AngularLoss() : base(nameof(AngularLoss)) { }

    private static Tensor Cosine(Tensor a, Tensor b) =>
        (a * b).sum(-1) / (a.norm(-1) * b.norm(-1) + 1e-8);

    public override Tensor forward(Tensor predicted, Tensor target)
    {
        var cos = Cosine(predicted, target).clamp(-1 + Eps, 1 - Eps);
        return torch.acos(cos).mean();
    }
}
