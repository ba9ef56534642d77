// Source: GRIST (FSE'21) subject 33, TodayILearned.logistic_classification: https://github.com/Jacob-yen/GRIST/tree/main/scripts/study_case/ID_33
// Bug: the hypothesis is a sigmoid written by hand, 1 / (1 + exp(-(xW + b))), and the cost -(y * log(h) + (1 - y) * log(1 - h)).mean() takes log of its 0 and of 1 - 1.
// Fix: F.binary_cross_entropy_with_logits on xW + b.
// Hazard: log of 0
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB004;

public static class LogisticClassification
{
    public static Tensor Cost(Tensor xTrain, Tensor yTrain, Tensor w, Tensor b) =>
        F.binary_cross_entropy_with_logits(xTrain.matmul(w) + b, yTrain);
}
