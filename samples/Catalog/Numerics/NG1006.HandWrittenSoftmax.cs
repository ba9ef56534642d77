using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Catalog.Numerics;

/// <summary>NG1006: a module whose forward is a hand-written softmax (NG1004's training loop trains it).</summary>
sealed class BinaryClassifier : nn.Module<Tensor, Tensor>
{
    private readonly Linear output = nn.Linear(16, 1);

    public BinaryClassifier() : base(nameof(BinaryClassifier)) => RegisterComponents();

    // NG1006: a hand-written softmax, inf / inf for a logit above about 88.7.
    public override Tensor forward(Tensor x)
    {
        var logits = output.call(x);
        return torch.exp(logits) / torch.exp(logits).sum(1, keepdim: true);  // NanGuard: NG1006
    }
}
