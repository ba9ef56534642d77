// Source: GitHub issue zylo117/Yet-Another-EfficientDet-Pytorch#502 (a way for amp): https://github.com/zylo117/Yet-Another-EfficientDet-Pytorch/issues/502
// Bug: the focal loss clamps the classification to [1e-4, 1.0 - 1e-4] before log(1 - p); under mixed precision the tensor is float16, where 1 - 1e-4 rounds to 1, so the clamp lets p = 1 through and log(1 - p) is -inf.
// Fix: widen the clamp to 5e-3, which float16 keeps apart from 1, as the issue does.
// Hazard: epsilon erased by rounding
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB058;

public sealed class FocalLoss
{
    private const double Alpha = 0.25;
    private const double Gamma = 2.0;

    public Tensor Forward(Tensor classifications, Tensor targets)
    {
        var classification = classifications.to(ScalarType.Float16);
        classification = torch.clamp(classification, 1e-4, 1.0 - 1e-4); // expect: NG1020
        var alphaFactor = torch.where(targets.eq(1.0), torch.full_like(targets, Alpha), torch.full_like(targets, 1 - Alpha));
        var focalWeight = torch.where(targets.eq(1.0), 1.0 - classification, classification);
        focalWeight = alphaFactor * torch.pow(focalWeight, Gamma);
        var bce = -(targets * torch.log(classification) + (1.0 - targets) * torch.log(1.0 - classification)); // expect: NG1014
        return (focalWeight * bce).sum();
    }
}
