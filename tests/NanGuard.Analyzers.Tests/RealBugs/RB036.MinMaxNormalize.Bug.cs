// Source: GitHub issue albumentations-team/albumentations#1742 (Min-max normalization resulting in nan values on all-zero arrays): https://github.com/albumentations-team/albumentations/issues/1742
// Bug: min-max normalisation divides by img_max - img_min, which is 0 for a constant (all black) image: 0 / 0 = NaN.
// Fix: add an epsilon to the range, as the fix does.
// Hazard: division by 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB036;

public sealed class Normalize
{
    public Tensor Apply(Tensor img)
    {
        var imgMin = img.amin(new long[] { 0, 1 }, keepdim: true);
        var imgMax = img.amax(new long[] { 0, 1 }, keepdim: true);
        return (img - imgMin) / (imgMax - imgMin); // expect: NG1016
    }
}
