// Source: GitHub issue yuanming-hu/fc4#33 (Angular loss): https://github.com/yuanming-hu/fc4/issues/33
// Bug: the angular error is arccos of the dot product of two L2-normalised illuminants; without a clip the dot reaches 1 and the loss goes NaN, as the reporter saw.
// Fix: clip the dot product to [-0.999999, 0.999999] before arccos, as FC4 does (safe_v).
// Hazard: acos at +-1
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB031;

public static class AngularError
{
    private const double SafeV = 0.999999;

    public static Tensor Loss(Tensor predicted, Tensor groundTruth)
    {
        var illumNormalized = F.normalize(predicted, 2.0, 1);
        var gtNormalized = F.normalize(groundTruth, 2.0, 1);
        var dot = torch.clamp(torch.sum(illumNormalized * gtNormalized, 1), -SafeV, SafeV);
        var angle = torch.acos(dot) * (180 / Math.PI);
        return torch.mean(angle);
    }
}
