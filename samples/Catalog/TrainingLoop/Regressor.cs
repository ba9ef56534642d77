using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Catalog.TrainingLoop;

/// <summary>The model the training-loop examples train.</summary>
sealed class Regressor : nn.Module<Tensor, Tensor>
{
    private readonly Linear hidden = nn.Linear(8, 32);
    private readonly Linear output = nn.Linear(32, 1);

    public Regressor() : base(nameof(Regressor)) => RegisterComponents();

    public override Tensor forward(Tensor x) => output.call(F.relu(hidden.call(x)));
}
