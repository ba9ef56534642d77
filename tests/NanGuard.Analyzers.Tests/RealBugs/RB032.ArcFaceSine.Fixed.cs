// Source: GitHub issue ronghuaiyang/arcface-pytorch#68 (About the range of cosine): https://github.com/ronghuaiyang/arcface-pytorch/issues/68
// Bug: ArcMarginProduct computes sine = sqrt(1 - cosine^2) of cosine = linear(normalize(x), normalize(W)); at cosine = +-1 the root is of 0 (or of a rounding negative) and its gradient is inf, so the loss goes NaN.
// Fix: clamp the cosine to [-1 + eps, 1 - eps] before the root, as the issue proposes.
// Hazard: sqrt at 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB032;

public sealed class ArcMarginProduct : nn.Module<Tensor, Tensor, Tensor>
{
    private const double Eps = 1e-7;
    private readonly Parameter weight = new(torch.randn(1000, 512));
    private readonly double _cosM = Math.Cos(0.5);
    private readonly double _sinM = Math.Sin(0.5);

    public ArcMarginProduct() : base(nameof(ArcMarginProduct)) => RegisterComponents();

    public override Tensor forward(Tensor input, Tensor label)
    {
        var cosine = F.linear(F.normalize(input), F.normalize(weight)).clamp(-1 + Eps, 1 - Eps);
        var sine = torch.sqrt(1.0 - torch.pow(cosine, 2));
        var phi = cosine * _cosM - sine * _sinM;
        var oneHot = torch.zeros_like(cosine).scatter_(1, label.view(-1, 1), 1);
        return (oneHot * phi + (1.0 - oneHot) * cosine) * 30.0;
    }
}
