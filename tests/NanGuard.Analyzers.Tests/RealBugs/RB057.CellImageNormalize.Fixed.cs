// Source: GitHub pull request vanvalenlab/deepcell-toolbox#72 (Add epsilon to normalize computation to prevent zero division): https://github.com/vanvalenlab/deepcell-toolbox/pull/72
// Bug: processing.normalize standardises each image by its own standard deviation; an empty (constant) image has std 0.
// Fix: add epsilon = 1e-07 to the standard deviation, as the pull request does.
// Hazard: division by 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB057;

public static class Processing
{
    private const double Epsilon = 1e-07;

    public static Tensor Normalize(Tensor image)
    {
        var normalized = torch.zeros_like(image);
        for (var batch = 0; batch < image.shape[0]; batch++)
        {
            var img = image[batch];
            normalized[batch] = (img - img.mean()) / (img.std() + Epsilon);
        }
        return normalized;
    }
}
