// Source: GitHub issue hccngu/MeTNet#2 (computing the triplet loss when a class has no positive sample): https://github.com/hccngu/MeTNet/issues/2
// Bug: the triplet loss divides by dp.shape[0] and dn.shape[0], the numbers of distances a boolean selection keeps; a class with no positive in the episode keeps none.
// Fix: skip a class whose selection is empty before dividing.
// Hazard: division by 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB042;

public static class TripletLoss
{
    public static Tensor ClassLoss(Tensor psDis, Tensor label, int cls, double margin)
    {
        var dp = psDis[label == cls + 1];
        var dn = psDis[label != cls + 1];
        var tempLoss = F.relu(dp.unsqueeze(1) - dn.unsqueeze(0) + margin).sum();
        return tempLoss / dp.shape[0] / dn.shape[0]; // expect: NG1016
    }
}
