// Source: GRIST (FSE'21) subject 38, MachineLearning.lab09 (lab-09-1-xor): https://github.com/Jacob-yen/GRIST/tree/main/scripts/study_case/ID_38
// Bug: the XOR model is a Sequential ending in Sigmoid() and the cost is -(Y * log(h) + (1 - Y) * log(1 - h)).mean().
// Fix: the last Sigmoid removed and the cost computed by F.binary_cross_entropy_with_logits.
// Hazard: log of 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB020;

public static class Xor
{
    private static readonly Sequential Model = nn.Sequential(nn.Linear(2, 10), nn.Sigmoid(), nn.Linear(10, 1));

    public static Tensor Cost(Tensor x, Tensor y) => F.binary_cross_entropy_with_logits(Model.call(x), y);
}
