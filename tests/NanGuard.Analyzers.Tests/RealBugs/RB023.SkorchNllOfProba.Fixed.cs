// Source: GRIST (FSE'21) subject 12, skorch NeuralNetClassifier: https://github.com/Jacob-yen/GRIST/tree/main/scripts/study_case/ID_12
// Bug: get_loss takes torch.log(y_pred) when the criterion is NLLLoss; y_pred is the module's softmax output, passed in by every caller.
// Fix: skorch adds the dtype's epsilon: torch.log(y_pred + eps) with eps = torch.finfo(y_pred.dtype).eps.
// Hazard: log of 0
using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace RealBugs.RB023;

public sealed class ClassifierModule : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense = nn.Linear(20, 10);
    private readonly Linear output = nn.Linear(10, 2);

    public ClassifierModule() : base(nameof(ClassifierModule)) => RegisterComponents();

    public override Tensor forward(Tensor x) => F.softmax(output.call(F.relu(dense.call(x))), -1);
}

public sealed class NeuralNetClassifier
{
    private readonly ClassifierModule _module = new();
    private readonly NLLLoss _criterion = nn.NLLLoss();

    private Tensor GetLoss(Tensor yPred, Tensor yTrue)
    {
        var eps = torch.finfo(yPred.dtype).eps;
        var logProba = torch.log(yPred + eps);
        return _criterion.call(logProba, yTrue);
    }

    public Tensor TrainStep(Tensor x, Tensor y) => GetLoss(_module.call(x), y);

    public Tensor ValidationStep(Tensor x, Tensor y)
    {
        using var _ = torch.no_grad();
        return GetLoss(_module.call(x), y);
    }
}
