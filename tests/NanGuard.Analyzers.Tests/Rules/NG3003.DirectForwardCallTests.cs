using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.DirectForwardCallAnalyzer,
    NanGuard.CodeFixes.Rules.DirectForwardCallCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class DirectForwardCallTests
{
    private const string Usings = """
        using System;
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;

        """;

    [Fact]
    public async Task Submodule_forward_in_forward_becomes_call()
    {
        var test = Verify.Test();
        test.TestCode = Usings + """
            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly Linear fc1 = nn.Linear(4, 8);
                private Linear Fc2 { get; } = nn.Linear(8, 2);

                public Net() : base("Net") => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var h = {|#0:this.fc1.forward(x)|};
                    return [|Fc2.forward(h)|];
                }
            }
            """;
        test.FixedCode = Usings + """
            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly Linear fc1 = nn.Linear(4, 8);
                private Linear Fc2 { get; } = nn.Linear(8, 2);

                public Net() : base("Net") => RegisterComponents();

                public override Tensor forward(Tensor x)
                {
                    var h = this.fc1.call(x);
                    return Fc2.call(h);
                }
            }
            """;
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithSeverity(DiagnosticSeverity.Info)
            .WithMessage("calling forward directly skips the module's hooks; call this.fc1.call(...)"));
        await test.RunAsync();
    }

    [Fact]
    public Task Expression_bodied_forward_user_submodule_lambda_local_function_and_two_inputs() =>
        Verify.VerifyCodeFixAsync(Usings + """
            sealed class Block : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> inner = nn.Linear(4, 4);
                public Block() : base("Block") => RegisterComponents();
                public override Tensor forward(Tensor x) => [|inner.forward(x)|] + x;
            }

            sealed class Pair : nn.Module<Tensor, Tensor, Tensor>
            {
                private readonly Block block = new Block();
                public Pair() : base("Pair") => RegisterComponents();
                public override Tensor forward(Tensor a, Tensor b)
                {
                    Func<Tensor, Tensor> run = t => [|block.forward(t)|];
                    Tensor Run(Tensor t) => [|this.block.forward(t)|];
                    return run(a) + Run(b);
                }
            }
            """, Usings + """
            sealed class Block : nn.Module<Tensor, Tensor>
            {
                private readonly nn.Module<Tensor, Tensor> inner = nn.Linear(4, 4);
                public Block() : base("Block") => RegisterComponents();
                public override Tensor forward(Tensor x) => inner.call(x) + x;
            }

            sealed class Pair : nn.Module<Tensor, Tensor, Tensor>
            {
                private readonly Block block = new Block();
                public Pair() : base("Pair") => RegisterComponents();
                public override Tensor forward(Tensor a, Tensor b)
                {
                    Func<Tensor, Tensor> run = t => block.call(t);
                    Tensor Run(Tensor t) => this.block.call(t);
                    return run(a) + Run(b);
                }
            }
            """);

    [Fact]
    public Task Recurrent_submodule_with_its_state_and_fully_qualified_names() =>
        Verify.VerifyCodeFixAsync("""
            sealed class Rnn : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>
            {
                private readonly TorchSharp.Modules.LSTM lstm = TorchSharp.torch.nn.LSTM(4, 8);
                public Rnn() : base("Rnn") => RegisterComponents();
                public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor x) => [|lstm.forward(x, null)|].Item1;
            }
            """, """
            sealed class Rnn : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>
            {
                private readonly TorchSharp.Modules.LSTM lstm = TorchSharp.torch.nn.LSTM(4, 8);
                public Rnn() : base("Rnn") => RegisterComponents();
                public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor x) => lstm.call(x, null).Item1;
            }
            """);

    [Fact]
    public Task No_fix_where_a_named_argument_would_not_bind() =>
        Verify.VerifyNoFixAsync(Usings + """
            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly Linear fc = nn.Linear(4, 2);
                public Net() : base("Net") => RegisterComponents();
                public override Tensor forward(Tensor x) => [|fc.forward(tensor: x)|];
            }
            """);

    [Fact]
    public Task Outside_forward_base_self_locals_and_non_modules_are_not_reported() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class Helper { public Tensor forward(Tensor x) => x; }

            class Base : nn.Module<Tensor, Tensor>
            {
                public Base() : base("Base") { }
                public override Tensor forward(Tensor x) => x;
            }

            sealed class Net : Base
            {
                private readonly Linear fc = nn.Linear(4, 2);
                private readonly Helper helper = new Helper();

                public Tensor Predict(Tensor x) => fc.forward(x);

                public override Tensor forward(Tensor x)
                {
                    var local = nn.Linear(2, 2);
                    var a = base.forward(x);
                    var b = helper.forward(a);
                    var c = local.forward(b);
                    return fc.call(c);
                }
            }

            class Trainer
            {
                private readonly Linear model = nn.Linear(4, 2);
                public Tensor forward(Tensor x) => model.forward(x);
            }
            """);

    [Fact]
    public async Task Nothing_is_registered_without_TorchSharp()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithoutTorchSharp;
        var source = """
            namespace TorchSharp
            {
                public static class torch
                {
                    public sealed class Tensor { }
                    public static class nn { public abstract class Module { public virtual Tensor forward(Tensor x) => x; } }
                }
            }
            sealed class Net : TorchSharp.torch.nn.Module
            {
                private readonly TorchSharp.torch.nn.Module sub = null!;
                public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor x) => sub.forward(x);
            }
            """;
        test.TestCode = source;
        // The fix offers nothing: the code stays as it is.
        test.FixedCode = source;
        await test.RunAsync();
    }
}
