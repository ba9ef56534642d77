// Source: GitHub pull request invesalius/invesalius3#1152 (constant image handling in image_normalize()): https://github.com/invesalius/invesalius3/pull/1152
// Bug: image_normalize rescales with (image - imin) * ((max_ - min_) / (imax - imin)); a constant image has imax = imin and the division is by 0.
// Fix: return min_ for every pixel when imin == imax, before the division (a guard in an if).
// Hazard: division by 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB037;

public static class ImageData
{
    public static Tensor ImageNormalize(Tensor image, double min = 0.0, double max = 1.0)
    {
        var imin = image.min();
        var imax = image.max();
        if (imin.item<float>() == imax.item<float>())
            return torch.full_like(image, min);
        return (image - imin) * ((max - min) / (imax - imin)) + min;
    }
}
