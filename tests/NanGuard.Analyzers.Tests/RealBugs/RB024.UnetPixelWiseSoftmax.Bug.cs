// Source: GRIST (FSE'21) subject 17, tf_unet: https://github.com/Jacob-yen/GRIST/tree/main/scripts/study_case/ID_17
// Bug: pixel_wise_softmax exponentiates the raw output map and divides by the channel sum tiled back (tf.tile) to the map's shape; exp overflows to inf / inf.
// Fix: subtract the channel max before exp, as tf_unet's fix does.
// Hazard: exp overflow
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB024;

public static class Layers
{
    public static Tensor PixelWiseSoftmax(Tensor outputMap)
    {
        var exponentialMap = torch.exp(outputMap);
        var sumExp = exponentialMap.sum(1, keepdim: true);
        var tensorSumExp = sumExp.repeat(1, outputMap.shape[1], 1, 1);
        return exponentialMap / tensorSumExp; // expect: NG1006
    }
}
