// Source: GRIST (FSE'21) subject 34, TodayILearned.softmax_classification: https://github.com/Jacob-yen/GRIST/tree/main/scripts/study_case/ID_34
// Bug: the hypothesis is F.softmax of a Linear model's output, reshaped with view before the cost (y_one_hot * -torch.log(hypothesis)).sum(dim=1).mean().
// Fix: F.cross_entropy on the Linear model's output, as the tutorial ends.
// Hazard: log of 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB018;

public sealed class SoftmaxClassifierModel : nn.Module<Tensor, Tensor>
{
    private readonly Linear linear = nn.Linear(4, 3);

    public SoftmaxClassifierModel() : base(nameof(SoftmaxClassifierModel)) => RegisterComponents();

    public override Tensor forward(Tensor x) => linear.call(x);
}

public static class Train
{
    public static Tensor Cost(SoftmaxClassifierModel model, Tensor xTrain, Tensor yTrain) =>
        F.cross_entropy(model.call(xTrain).view(-1, 3), yTrain);
}
